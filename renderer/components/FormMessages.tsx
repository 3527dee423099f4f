// What stands above a form's inputs: the error of its last attempt, and why this sign-in may not save.
/** The form's error (an alert) and its access refusal (a status), each only when there is one. */
export function FormMessages(props: { error: string | null; refusal: string | null }) {
  return (
    <>
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
