/**
 * An ECharts chart: only the chart types and components the dashboard draws are bundled, it
 * redraws when its options change and resizes with its box (a tablet turned, the menu folding).
 * The canvas is an image to assistive technology, named by a summary of its figures.
 */
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import type { ComposeOption } from 'echarts/core';
import type { BarSeriesOption, LineSeriesOption } from 'echarts/charts';
import type { GridComponentOption, LegendComponentOption, TooltipComponentOption } from 'echarts/components';
import { useEffect, useRef } from 'react';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export type ChartOption = ComposeOption<
  BarSeriesOption | LineSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption
>;

/** The console's typeface and a text colour dark enough on white (WCAG AA). */
const BASE: ChartOption = {
  textStyle: { fontFamily: 'inherit', color: 'rgba(0, 0, 0, 0.85)' },
  tooltip: { trigger: 'axis' },
  grid: { left: 8, right: 8, top: 40, bottom: 8, containLabel: true },
};

export function Chart({ option, summary, height = 280 }: { option: ChartOption; summary: string; height?: number }) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const instance = echarts.init(element, undefined, { renderer: 'canvas' });
    chart.current = instance;
    const resize = new ResizeObserver(() => instance.resize());
    resize.observe(element);
    return () => {
      resize.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => {
    chart.current?.setOption({ ...BASE, ...option }, { notMerge: true });
  }, [option]);
  return <div ref={box} role="img" aria-label={summary} style={{ width: '100%', height }} />;
}
