// A field's error line under its control, and the control ids it is linked to (aria-describedby).

/** The id of the control at `path` (`location.latitude` → `field-location-latitude`). */
export function inputId(path: string): string {
  return `field-${path.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

/** The error for `path`, if any, as an alert under its control. */
export function ErrorText(props: { errors: ReadonlyMap<string, string>; path: string }) {
  const message = props.errors.get(props.path);
  return message ? (
    <span className="field-error" id={`${inputId(props.path)}-error`} role="alert">
      {message}
    </span>
  ) : null;
}
