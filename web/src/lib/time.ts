/** Instants as the city reads them: Asia/Shanghai, whatever the browser's own time zone. */
const minutes = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
});
const days = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });

/** 2026-12-02 13:17 (Shanghai); — for none. */
export const shanghaiTime = (at: string | null | undefined): string => (at ? minutes.format(new Date(at)) : '—');
/** 2026-12-02 (Shanghai). */
export const shanghaiDate = (at: string): string => days.format(new Date(at));
/** Today's date in Shanghai (2026-12-02), whatever the browser's time zone. */
export const shanghaiToday = (): string => days.format(new Date());
