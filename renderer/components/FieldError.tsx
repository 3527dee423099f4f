// A field's help and error lines under its control, and the control ids they are linked to
// (aria-describedby), so a screen reader reads both with the control.

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

/** The `aria-describedby` of the control `id`: its help and/or its error line, or undefined. */
export function describedBy(id: string, invalid: boolean, hasHelp: boolean): string | undefined {
  const ids = [hasHelp ? `${id}-help` : undefined, invalid ? `${id}-error` : undefined].filter((x) => x !== undefined);
  return ids.length === 0 ? undefined : ids.join(' ');
}

/** The hint's help text under the control `id`, when there is one. */
export function HelpText(props: { id: string; help: string | undefined }) {
  return props.help === undefined ? null : (
    <span className="field-help" id={`${props.id}-help`}>
      {props.help}
    </span>
  );
}
