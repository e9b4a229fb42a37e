/**
 * A status label with colours that meet WCAG AA contrast (Ant Design's preset tag colours do not,
 * on their tinted backgrounds): the console uses it wherever a tag carries meaning.
 */
import { Tag } from 'antd';
import type { ReactNode } from 'react';

const TONES = {
  green: { color: '#135200', background: '#f6ffed', borderColor: '#b7eb8f' },
  red: { color: '#a8071a', background: '#fff1f0', borderColor: '#ffa39e' },
  orange: { color: '#873800', background: '#fff7e6', borderColor: '#ffd591' },
  blue: { color: '#003eb3', background: '#e6f4ff', borderColor: '#91caff' },
  grey: { color: '#262626', background: '#fafafa', borderColor: '#d9d9d9' },
} as const;

export function StatusTag({ tone = 'grey', children }: { tone?: keyof typeof TONES; children: ReactNode }) {
  return <Tag style={TONES[tone]}>{children}</Tag>;
}
