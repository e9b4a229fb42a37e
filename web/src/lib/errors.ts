/**
 * An error as the person in front of the screen reads it: the code's Chinese message
 * (error-messages.ts); an unknown code falls back to the server's (English) message with the code.
 */
import { ApiError } from './api';
import { ERROR_MESSAGES } from './error-messages';

/** The Chinese message of a code the platform uses (in errors and in filing problems), if known. */
export function codeMessage(code: string): string | undefined {
  return ERROR_MESSAGES[code];
}

export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    const known = ERROR_MESSAGES[error.code];
    // Rule violations carry the platform's own reasons (which condition, which field): show them too.
    return known ? (error.status === 422 ? `${known}：${error.message}` : known) : `${error.message}（${error.code}）`;
  }
  return error instanceof Error ? error.message : String(error);
}
