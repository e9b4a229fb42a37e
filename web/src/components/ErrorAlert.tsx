/** An API failure as the user reads it: the Chinese message, and the request id to quote to support. */
import { Alert } from 'antd';
import { ApiError } from '../lib/api';
import { errorMessage } from '../lib/errors';

export function ErrorAlert({ error }: { error: unknown }) {
  if (!error) return null;
  const problems = error instanceof ApiError ? ((error.details as { problems?: unknown[] } | undefined)?.problems ?? []) : [];
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      message={errorMessage(error)}
      description={
        <>
          {problems.length > 0 && (
            <ul style={{ margin: 0, paddingInlineStart: 18 }}>
              {problems.map((p, i) => (
                <li key={i}>{typeof p === 'string' ? p : JSON.stringify(p)}</li>
              ))}
            </ul>
          )}
          {error instanceof ApiError && error.requestId && <small>请求编号：{error.requestId}</small>}
        </>
      }
    />
  );
}
