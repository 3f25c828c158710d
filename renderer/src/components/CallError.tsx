/** A call that failed: what, why, and a way to try again. Views never wait on a failure silently. */
export function CallError({ what, error, onRetry }: { what: string; error: string; onRetry: () => void }) {
  return (
    <div className="call-error" role="alert">
      <span>
        {what} could not be read: {error}.
      </span>{' '}
      <button type="button" onClick={onRetry}>
        Retry
      </button>
    </div>
  );
}
