/** 导出 XLSX / 导出 CSV for one of the dashboard's tables, with the filters on screen; a failure shows beside them. */
import { DownloadOutlined } from '@ant-design/icons';
import { Button, Space } from 'antd';
import { useState } from 'react';
import { ErrorAlert } from '../../components/ErrorAlert';
import { downloadTable, type DashboardFilters } from './api';
import type { DashboardTable } from './terms';

export function ExportButtons({ table, filters, label }: { table: DashboardTable; filters: DashboardFilters; label: string }) {
  const [busy, setBusy] = useState<'xlsx' | 'csv' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const run = async (format: 'xlsx' | 'csv') => {
    setError(null);
    setBusy(format);
    try {
      await downloadTable(table, format, filters);
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
          size="small"
          icon={<DownloadOutlined />}
          loading={busy === format}
          aria-label={`导出 ${format.toUpperCase()}（${label}）`}
          onClick={() => void run(format)}
        >
          导出 {format.toUpperCase()}
        </Button>
      ))}
      <ErrorAlert error={error} />
    </Space>
  );
}
