/**
 * The records a civil servant files on paper — the written explanation, a meeting's minutes, a
 * dispute's decision — as the API's A4 PDFs (downloaded through the one API client, so a lapsed
 * session signs out there too) and as the page's own section printed alone (app/print.css).
 */
import { FilePdfOutlined, PrinterOutlined } from '@ant-design/icons';
import { Button, Space } from 'antd';
import { useRef, useState, type ReactNode } from 'react';
import { ErrorAlert } from '../../components/ErrorAlert';
import { api, saveFile, unwrapResponse } from '../../lib/api';

export type RequestDocument = { kind: 'explanation' } | { kind: 'minutes'; meetingId: string } | { kind: 'dispute_decision' };

function fetchDocument(requestId: string, document: RequestDocument) {
  const path = { requestId };
  switch (document.kind) {
    case 'explanation':
      return api.GET('/api/v1/requests/{requestId}/documents/explanation', { params: { path }, parseAs: 'blob' });
    case 'minutes':
      return api.GET('/api/v1/requests/{requestId}/documents/minutes/{meetingId}', {
        params: { path: { ...path, meetingId: document.meetingId } },
        parseAs: 'blob',
      });
    case 'dispute_decision':
      return api.GET('/api/v1/requests/{requestId}/documents/dispute-decision', { params: { path }, parseAs: 'blob' });
  }
}

/** The file name the API gives (`filename*=UTF-8''…`), if any. */
function fileNameOf(disposition: string | null): string | null {
  const encoded = disposition?.match(/filename\*=UTF-8''([^;]+)/i)?.[1];
  if (!encoded) return null;
  try {
    return decodeURIComponent(encoded);
  } catch {
    return null;
  }
}

export function DocumentDownload(props: { requestId: string; document: RequestDocument; label: string; fileName: string }) {
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  const download = async () => {
    setError(null);
    setLoading(true);
    try {
      const { data, response } = await unwrapResponse(fetchDocument(props.requestId, props.document));
      saveFile(data, fileNameOf(response.headers.get('Content-Disposition')) ?? props.fileName);
    } catch (cause) {
      setError(cause);
    } finally {
      setLoading(false);
    }
  };
  return (
    <>
      <Button icon={<FilePdfOutlined />} loading={loading} onClick={() => void download()}>
        {props.label}
      </Button>
      <ErrorAlert error={error} />
    </>
  );
}

/** Prints the element alone (everything else on the page hidden by app/print.css while it prints). */
function printAlone(element: HTMLElement | null): void {
  if (!element) return window.print();
  element.classList.add('print-target');
  document.body.classList.add('printing-section');
  try {
    window.print();
  } finally {
    element.classList.remove('print-target');
    document.body.classList.remove('printing-section');
  }
}

/** A section of the page that prints on its own: its content, and the print and download buttons it is given. */
export function PrintableSection({ children, actions }: { children: (buttons: ReactNode) => ReactNode; actions?: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  const buttons = (
    <Space wrap className="no-print">
      <Button icon={<PrinterOutlined />} onClick={() => printAlone(ref.current)}>
        打印
      </Button>
      {actions}
    </Space>
  );
  return <div ref={ref}>{children(buttons)}</div>;
}
