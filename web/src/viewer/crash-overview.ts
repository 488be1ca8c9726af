// The overview above the table of crashes: the most frequent culprits and bug checks, and the crashes over time, as
// bars. Each bar is a button that filters the table to its crashes (crash-list.ts).
import { el } from '../views/dom';
import type { CrashListEntry } from './crash-columns';

/** What a bar stands for: entries whose `facet` value is `value`. */
export interface CrashFilter {
  facet: 'driver' | 'bugcheck' | 'period';
  value: string;
  /** "Caused by baddrv.sys", for the line above the table. */
  label: string;
}

export interface Bar {
  value: string;
  count: number;
}

const FACET_VALUE: Record<CrashFilter['facet'], (e: CrashListEntry, byMonth: boolean) => string> = {
  driver: (e) => (e.summary ? e.summary.culprit?.module ?? '(none found)' : ''),
  bugcheck: (e) => (e.summary ? e.summary.bugcheck.name || e.summary.bugcheck.code : ''),
  period: (e, byMonth) => e.summary?.header.systemTime?.slice(0, byMonth ? 7 : 10) ?? '',
};

/** Over more than 60 days the crashes are counted per month ("2024-03"), else per day ("2024-03-01"). */
export function countsByMonth(entries: readonly CrashListEntry[]): boolean {
  const times = entries.map((e) => e.summary?.header.systemTime).filter((t): t is string => !!t).map((t) => Date.parse(t)).filter(Number.isFinite);
  if (times.length === 0) return false;
  return Math.max(...times) - Math.min(...times) > 60 * 86_400_000;
}

export function facetValue(entry: CrashListEntry, facet: CrashFilter['facet'], byMonth: boolean): string {
  return FACET_VALUE[facet](entry, byMonth);
}

/** The `limit` most frequent values, most frequent first (ties by value); periods in time order, all of them. */
export function bars(entries: readonly CrashListEntry[], facet: CrashFilter['facet'], byMonth: boolean, limit = 8): Bar[] {
  const counts = new Map<string, number>();
  for (const e of entries) {
    const value = facetValue(e, facet, byMonth);
    if (value) counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  const all = [...counts].map(([value, count]) => ({ value, count }));
  if (facet === 'period') return all.sort((a, b) => a.value.localeCompare(b.value));
  return all.sort((a, b) => b.count - a.count || a.value.localeCompare(b.value)).slice(0, limit);
}

function chart(title: string, facet: CrashFilter['facet'], data: Bar[], label: (value: string) => string, onFilter: (f: CrashFilter) => void, vertical = false): HTMLElement {
  const max = Math.max(1, ...data.map((b) => b.count));
  const items = data.map((bar) => {
    const fill = el('span', { className: 'bar-fill' });
    const share = `${(100 * bar.count) / max}%`;
    if (vertical) fill.style.height = share;
    else fill.style.width = share;
    const button = el('button', { className: 'bar', data: { facet, value: bar.value } }, [
      el('span', { className: 'bar-label', text: bar.value, cap: { max: 32, at: 'middle' } }),
      el('span', { className: 'bar-track' }, [fill]),
      el('span', { className: 'bar-count', text: String(bar.count) }),
    ]);
    button.type = 'button';
    button.setAttribute('aria-label', `${bar.count} × ${bar.value}: show only these`);
    button.addEventListener('click', () => onFilter({ facet, value: bar.value, label: label(bar.value) }));
    return el('li', {}, [button]);
  });
  return el('section', { className: `overview-chart${vertical ? ' overview-timeline' : ''}`, data: { chart: facet } }, [
    el('h3', { text: title }),
    data.length ? el('ol', { className: 'bars' }, items) : el('p', { className: 'muted', text: 'No values.' }),
  ]);
}

/** The three charts; a click on a bar calls onFilter. */
export function renderOverview(entries: readonly CrashListEntry[], onFilter: (filter: CrashFilter) => void): HTMLElement {
  const byMonth = countsByMonth(entries);
  return el('div', { className: 'crash-overview', data: { role: 'overview' } }, [
    chart('Most frequent culprits', 'driver', bars(entries, 'driver', byMonth), (v) => `caused by ${v}`, onFilter),
    chart('Most frequent bug checks', 'bugcheck', bars(entries, 'bugcheck', byMonth), (v) => `bug check ${v}`, onFilter),
    chart(byMonth ? 'Crashes per month (UTC)' : 'Crashes per day (UTC)', 'period', bars(entries, 'period', byMonth), (v) => `crashed ${byMonth ? 'in' : 'on'} ${v}`, onFilter, true),
  ]);
}
