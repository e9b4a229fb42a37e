/**
 * 导出 XLSX / 导出 CSV for one table or report: each button runs `download` with its format, shows
 * it is busy, and a failure shows beside them. `label` names what is exported for assistive
 * technology when a page has several such pairs.
 */
import { DownloadOutlined } from '@ant-design/icons';
import { Button, Space } from 'antd';
import { useState } from 'react';
import { ErrorAlert } from './ErrorAlert';

type Format = 'xlsx' | 'csv';

export function DownloadButtons(props: { download: (format: Format) => Promise<void>; label?: string; size?: 'small' | 'middle' }) {
  const [busy, setBusy] = useState<Format | null>(null);
  const [error, setError] = useState<unknown>(null);
  const run = async (format: Format) => {
    setError(null);
    setBusy(format);
    try {
      await props.download(format);
    } catch (cause) {
      setError(cause);
    } finally {
      setBusy(null);
    }
  };
  return (
    <Space wrap size="small" className="no-print">
      {(['xlsx', 'csv'] as const).map((format) => (
        <Button
          key={format}
          size={props.size ?? 'small'}
          icon={<DownloadOutlined />}
          loading={busy === format}
          aria-label={props.label ? `导出 ${format.toUpperCase()}（${props.label}）` : undefined}
          onClick={() => void run(format)}
        >
          导出 {format.toUpperCase()}
        </Button>
      ))}
      <ErrorAlert error={error} />
    </Space>
  );
}
