// Previous / "Page 2 of 5" / Next under a list (pages counted from 0).
/** The pager at `page` of `pages`; `onPage` gets the page to show. */
export function Pager(props: { page: number; pages: number; onPage: (page: number) => void }) {
  const { page, pages } = props;
  return (
    <nav className="pager" aria-label="Pages">
      <button className="secondary" disabled={page === 0} onClick={() => props.onPage(page - 1)}>
        ‹ Previous
      </button>
      <span>
        Page {page + 1} of {pages}
      </span>
      <button className="secondary" disabled={page + 1 >= pages} onClick={() => props.onPage(page + 1)}>
        Next ›
      </button>
    </nav>
  );
}
