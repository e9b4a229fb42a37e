/** A condition pre-check's result (pass / fail / needs_review) as a tag in the colour it means. */
import { CHECK_RESULT_LABELS } from '../lib/labels';
import { StatusTag } from './StatusTag';

const TONES = { pass: 'green', fail: 'red', needs_review: 'orange' } as const;

export function CheckResultTag({ result }: { result: string }) {
  return <StatusTag tone={TONES[result as keyof typeof TONES] ?? 'grey'}>{CHECK_RESULT_LABELS[result] ?? result}</StatusTag>;
}
