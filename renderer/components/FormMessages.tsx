// What stands above a form's inputs: the error of its last attempt, how many fields it found to
// fix (each message is under its field), and why this sign-in may not save.
/** The form's error (an alert), the count of fields to fix, and its access refusal (a status), each only when there is one. */
export function FormMessages(props: { error: string | null; refusal: string | null; problemCount?: number }) {
  const count = props.problemCount ?? 0;
  return (
    <>
      {count > 0 && (
        <p className="form-error form-problems" role="alert">
          {count === 1 ? 'One field needs attention' : `${count} fields need attention`}: see the message under {count === 1 ? 'it' : 'each'}.
        </p>
      )}
      {props.error && (
        <p className="form-error" role="alert">
          {props.error}
        </p>
      )}
      {props.refusal && (
        <p className="form-error access-note" role="status">
          {props.refusal}
        </p>
      )}
    </>
  );
}
