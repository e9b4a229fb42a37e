/** The dashboard's three charts: on-time rate per track, requests by track and state, the weekly trends. */
import { useMemo } from 'react';
import type { Schemas } from '../../lib/api';
import { STATE_LABELS, TRACK_LABELS } from '../../lib/labels';
import { Chart, type ChartOption } from './Chart';
import { percent } from './terms';

const TRACKS = [1, 5, 15] as const;
const trackName = (track: number) => TRACK_LABELS[track as keyof typeof TRACK_LABELS];
/** Rates drawn in percent, one decimal. */
const asPercent = (rate: number | null) => (rate === null ? null : Math.round(rate * 1000) / 10);

export function OnTimeChart({ rows }: { rows: Schemas['OnTimeRow'][] }) {
  const option = useMemo<ChartOption>(() => {
    const byTrack = new Map(rows.map((r) => [r.track, r]));
    return {
      tooltip: { trigger: 'axis', valueFormatter: (v) => (v === null || v === undefined ? '无已决申请' : `${String(v)}%`) },
      xAxis: { type: 'category', data: TRACKS.map(trackName) },
      yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
      series: [
        {
          type: 'bar',
          name: '按时率',
          barMaxWidth: 48,
          itemStyle: { color: '#1554ad' },
          label: { show: true, position: 'top', formatter: ({ value }) => (typeof value === 'number' ? `${value}%` : '—') },
          data: TRACKS.map((t) => asPercent(byTrack.get(t)?.rate ?? null)),
        },
      ],
    };
  }, [rows]);
  const byTrack = new Map(rows.map((r) => [r.track, r]));
  const summary = `各通道按时率：${TRACKS.map((t) => `${trackName(t)} ${percent(byTrack.get(t)?.rate)}`).join('，')}`;
  return <Chart option={option} summary={summary} />;
}

export function StatesChart({ rows }: { rows: Schemas['DashboardOverview']['byTrackAndState'] }) {
  const states = useMemo(() => [...new Set(rows.map((r) => r.state))], [rows]);
  const option = useMemo<ChartOption>(() => {
    const count = (track: number, state: string) => rows.find((r) => r.track === track && r.state === state)?.count ?? 0;
    return {
      legend: { type: 'scroll', top: 0 },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      xAxis: { type: 'category', data: TRACKS.map(trackName) },
      yAxis: { type: 'value', minInterval: 1 },
      series: states.map((state) => ({
        type: 'bar' as const,
        name: STATE_LABELS[state],
        stack: 'state',
        barMaxWidth: 48,
        data: TRACKS.map((t) => count(t, state)),
      })),
    };
  }, [rows, states]);
  const summary =
    rows.length === 0
      ? '按通道和状态的申请数：无'
      : `按通道和状态的申请数：${rows.map((r) => `${trackName(r.track)}${STATE_LABELS[r.state]} ${r.count} 件`).join('，')}`;
  return <Chart option={option} summary={summary} />;
}

export function TrendsChart({ weeks }: { weeks: Schemas['TrendWeek'][] }) {
  const option = useMemo<ChartOption>(
    () => ({
      legend: { top: 0 },
      xAxis: { type: 'category', data: weeks.map((w) => w.weekStart) },
      yAxis: [
        { type: 'value', name: '件', minInterval: 1 },
        { type: 'value', name: '按时率', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
      ],
      series: [
        { type: 'line', name: '提交申请', data: weeks.map((w) => w.filed), itemStyle: { color: '#1554ad' } },
        { type: 'line', name: '作出决定', data: weeks.map((w) => w.decided), itemStyle: { color: '#135200' } },
        {
          type: 'line',
          name: '按时率',
          yAxisIndex: 1,
          connectNulls: true,
          lineStyle: { type: 'dashed' },
          itemStyle: { color: '#ad4e00' },
          data: weeks.map((w) => asPercent(w.onTimeRate)),
          tooltip: { valueFormatter: (v) => (v === null || v === undefined ? '—' : `${String(v)}%`) },
        },
      ],
    }),
    [weeks],
  );
  const summary =
    weeks.length === 0
      ? '每周趋势：无'
      : `每周趋势（周一起）：${weeks.map((w) => `${w.weekStart} 提交 ${w.filed} 件、决定 ${w.decided} 件、按时率 ${percent(w.onTimeRate)}`).join('；')}`;
  return <Chart option={option} summary={summary} />;
}
