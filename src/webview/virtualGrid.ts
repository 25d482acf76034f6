// One result grid inside the results webview: virtual scrolling over any number of rows (only the rows on screen are
// in the DOM; rows are asked from the extension host in blocks as the grid scrolls and a bounded number of blocks is
// kept), header with names and Snowflake types, NULL shown as such, a selected cell, copy, and sort/filter over the
// rows loaded here.
import {
  arrange,
  tsvColumn,
  tsvLine,
  type GridAction,
  type GridMeta,
  type GridState,
  type SortDirection,
  type WebviewMessage,
} from '../core/results/gridProtocol';
import type { ResultRow } from '../core/snowflake/sqlDriver';

export const BLOCK_ROWS = 200;
/** Blocks held in the webview (the rest are asked for again when scrolled back to). */
const MAX_BLOCKS = 100;
const ROW_HEIGHT = 22;
/** Browsers cap an element's height; past this the scrollbar maps onto rows proportionally. */
const MAX_SCROLL_PX = 8_000_000;

type Post = (m: WebviewMessage) => void;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

interface Arranged {
  readonly rows: { readonly n: number; readonly values: ResultRow }[];
  readonly order: number[];
}

export class VirtualGrid {
  readonly root = el('div', 'grid');
  private readonly viewport = el('div', 'viewport');
  private readonly spacer = el('div', 'spacer');
  private readonly body = el('div', 'rows');
  private readonly head = el('div', 'head');
  private readonly note = el('span', 'note');
  private readonly filterBox = el('input', 'filter');
  private readonly blocks = new Map<number, ResultRow[]>();
  private readonly asked = new Set<number>();
  private sort: { column: number; direction: SortDirection } | undefined;
  private filter = '';
  private arranged: Arranged | undefined;
  private selected: { row: number; column: number } | undefined;
  private firstRow = 0;
  private stateTimer: ReturnType<typeof setTimeout> | undefined;
  private template: string;
  /** Column widths follow the first rows' values once they arrive. */
  private sized = false;
  /** Where the viewport was scrolled to (a viewport moved in the page forgets it). */
  private scrolled = 0;

  constructor(
    readonly meta: GridMeta,
    private readonly post: Post,
    height: string,
  ) {
    this.template = this.columnTemplate([]);
    this.root.dataset.grid = String(meta.id);
    this.root.append(this.toolbar(), this.viewport);
    this.viewport.style.height = height;
    this.viewport.tabIndex = 0;
    // The header and the rows on screen stick to the top of the viewport; the spacer under them gives the scrollbar
    // the height of every row.
    this.viewport.append(this.head, this.body, this.spacer);
    this.renderHead();
    this.viewport.addEventListener('scroll', () => {
      this.scrolled = this.viewport.scrollTop;
      this.render();
    });
    this.viewport.addEventListener('keydown', (e) => this.onKey(e));
    // A resized panel shows more or fewer rows: the spacer follows, so the scrollbar still ends at the last row.
    let seen = 0;
    new ResizeObserver(() => {
      if (this.viewport.clientHeight === seen) return;
      seen = this.viewport.clientHeight;
      this.layout();
    }).observe(this.viewport);
    this.body.addEventListener('click', (e) => {
      const cell = (e.target as HTMLElement).closest<HTMLElement>('[data-col]');
      const row = cell?.parentElement?.dataset.row;
      if (!cell || row === undefined) return;
      this.act({ kind: 'select', row: Number(row), column: Number(cell.dataset.col) });
    });
    this.layout();
  }

  /** Widths in characters: the row number's digits, then each column's name, type and values, at most 40. */
  private columnTemplate(sample: readonly ResultRow[]): string {
    const num = Math.max(4, String(this.meta.totalRows).length + 2);
    const widths = this.meta.columns.map((c, i) => {
      let w = Math.max(6, c.name.length + 3, c.type.length + 1);
      for (const r of sample) w = Math.max(w, (r[i] ?? 'NULL').length + 2);
      return Math.min(40, w);
    });
    return `${num}ch ${widths.map((w) => `${w}ch`).join(' ')}`;
  }

  private toolbar(): HTMLElement {
    const bar = el('div', 'toolbar');
    this.filterBox.type = 'search';
    this.filterBox.placeholder = 'Filter loaded rows';
    this.filterBox.setAttribute('aria-label', 'Filter loaded rows');
    this.filterBox.addEventListener('input', () => this.act({ kind: 'filter', text: this.filterBox.value }));
    const button = (label: string, run: () => void): HTMLButtonElement => {
      const b = el('button', undefined, label);
      b.addEventListener('click', run);
      return b;
    };
    bar.append(
      this.filterBox,
      this.note,
      button('Copy Cell', () => this.act({ kind: 'copy', what: 'cell' })),
      button('Copy Row', () => this.act({ kind: 'copy', what: 'row' })),
      button('Copy Column', () => this.act({ kind: 'copy', what: 'column' })),
      button('Export CSV…', () => this.post({ type: 'export', grid: this.meta.id, format: 'csv' })),
      button('Export JSON…', () => this.post({ type: 'export', grid: this.meta.id, format: 'json' })),
    );
    return bar;
  }

  private renderHead(): void {
    const row = el('div', 'row header');
    row.style.gridTemplateColumns = this.template;
    row.append(el('div', 'cell num', '#'));
    this.meta.columns.forEach((c, i) => {
      const cell = el('div', 'cell');
      cell.title = `${c.name} ${c.type}${c.nullable ? '' : ' NOT NULL'} — click to sort the loaded rows`;
      const mark = this.sort?.column === i ? (this.sort.direction === 'asc' ? ' ▲' : ' ▼') : '';
      cell.append(el('span', 'name', c.name + mark), el('span', 'type', c.type));
      cell.dataset.col = String(i);
      cell.addEventListener('click', () => this.act({ kind: 'sort', column: i }));
      row.append(cell);
    });
    this.head.replaceChildren(row);
  }

  /** After the grid was (re)attached to the page: lay out for its real size, back where it was scrolled to. */
  attached(): void {
    this.layout();
    if (this.viewport.scrollTop !== this.scrolled) this.viewport.scrollTop = this.scrolled;
    this.render();
  }

  /** Rows the grid can scroll over now: the result, or the loaded rows a sort/filter arranged. */
  private get count(): number {
    return this.arranged ? this.arranged.order.length : this.meta.totalRows;
  }

  private layout(): void {
    const shown = Math.min(this.count, this.visibleCount()) * ROW_HEIGHT;
    // The rows on screen take a fixed height (the partly shown last row is clipped), so the scroll height stays the
    // same wherever the grid is scrolled to and the bottom of the scrollbar is the last row.
    this.body.style.height = `${shown}px`;
    this.spacer.style.height = `${Math.max(0, Math.min(this.count * ROW_HEIGHT, MAX_SCROLL_PX) - shown)}px`;
    this.render();
  }

  /** Rows that fit under the header. */
  private visibleCount(): number {
    const h = (this.viewport.clientHeight || 400) - (this.head.offsetHeight || ROW_HEIGHT * 2);
    return Math.max(1, Math.floor(h / ROW_HEIGHT));
  }

  private maxScroll(): number {
    return Math.max(1, this.viewport.scrollHeight - this.viewport.clientHeight);
  }

  /** The scrollbar maps proportionally onto the first row on screen (exact rows up to MAX_SCROLL_PX). */
  private topRow(): number {
    const max = this.maxScroll();
    const top = this.viewport.scrollTop >= max - 1 ? 1 : this.viewport.scrollTop / max;
    return Math.round(top * Math.max(0, this.count - this.visibleCount()));
  }

  /** Row `i` of what the grid shows, or undefined while its block is on its way. */
  private rowAt(i: number): { n: number; values: ResultRow } | undefined {
    if (this.arranged) return this.arranged.rows[this.arranged.order[i]!];
    const block = this.blocks.get(Math.floor(i / BLOCK_ROWS));
    const values = block?.[i % BLOCK_ROWS];
    return values ? { n: i + 1, values } : undefined;
  }

  private render(): void {
    const visible = this.visibleCount();
    const first = Math.min(this.topRow(), Math.max(0, this.count - visible));
    this.firstRow = Math.max(0, first);
    if (!this.arranged) this.ask(this.firstRow, this.firstRow + visible);
    const rows: HTMLElement[] = [];
    for (let i = this.firstRow; i < Math.min(this.count, this.firstRow + visible + 1); i++) {
      const r = this.rowAt(i);
      const line = el('div', 'row');
      line.style.gridTemplateColumns = this.template;
      line.dataset.row = String(i);
      line.append(el('div', 'cell num', String(r?.n ?? i + 1)));
      this.meta.columns.forEach((_c, c) => {
        const v = r ? r.values[c] : undefined;
        const cell = el('div', v === null ? 'cell null' : v === undefined ? 'cell loading' : 'cell');
        cell.textContent = v === null ? 'NULL' : (v ?? '…');
        cell.dataset.col = String(c);
        if (this.selected?.row === i && this.selected.column === c) cell.classList.add('selected');
        line.append(cell);
      });
      rows.push(line);
    }
    this.body.replaceChildren(...rows);
    const loaded = this.loadedCount();
    this.note.classList.remove('failed');
    this.note.textContent = this.arranged
      ? `Sort and filter apply to the ${loaded.toLocaleString('en-US')} loaded rows: ${this.count.toLocaleString('en-US')} shown`
      : `${this.meta.totalRows.toLocaleString('en-US')} rows`;
    this.reportSoon();
  }

  private loadedCount(): number {
    let n = 0;
    for (const b of this.blocks.values()) n += b.length;
    return n;
  }

  /** Asks the host for the blocks of rows [from, to) (and one beyond) that are neither here nor on their way. */
  private ask(from: number, to: number): void {
    const last = Math.min(Math.ceil(this.meta.totalRows / BLOCK_ROWS) - 1, Math.floor(to / BLOCK_ROWS) + 1);
    let start: number | undefined;
    const flush = (end: number): void => {
      if (start === undefined) return;
      this.post({ type: 'range', grid: this.meta.id, start: start * BLOCK_ROWS, end: end * BLOCK_ROWS });
      start = undefined;
    };
    for (let b = Math.floor(from / BLOCK_ROWS); b <= last; b++) {
      if (this.blocks.has(b) || this.asked.has(b)) {
        flush(b);
        continue;
      }
      this.asked.add(b);
      start ??= b;
    }
    flush(last + 1);
  }

  /** Rows from the host, at a block boundary. */
  receive(start: number, rows: readonly ResultRow[]): void {
    if (!this.sized && start === 0) {
      this.sized = true;
      this.template = this.columnTemplate(rows.slice(0, 200));
      this.renderHead();
    }
    for (let i = 0; i < rows.length; i += BLOCK_ROWS) {
      const b = Math.floor((start + i) / BLOCK_ROWS);
      this.blocks.delete(b);
      this.blocks.set(b, rows.slice(i, i + BLOCK_ROWS));
      this.asked.delete(b);
    }
    const keep = new Set([Math.floor(this.firstRow / BLOCK_ROWS), Math.floor(this.firstRow / BLOCK_ROWS) + 1]);
    for (const b of this.blocks.keys()) {
      if (this.blocks.size <= MAX_BLOCKS) break;
      if (!keep.has(b)) this.blocks.delete(b);
    }
    this.render();
  }

  /** Rows could not be read: say so; scrolling asks for them again. */
  failed(message: string): void {
    this.asked.clear();
    this.note.textContent = `Rows could not be loaded: ${message}`;
    this.note.classList.add('failed');
  }

  /** Does what a person does with the mouse and keys (the host also asks for these, for tests). */
  act(a: GridAction): void {
    switch (a.kind) {
      case 'scrollTo': {
        const span = Math.max(1, this.count - this.visibleCount());
        const target = Math.max(0, Math.min(a.row, span));
        this.viewport.scrollTop = Math.ceil((target / span) * this.maxScroll());
        this.scrolled = this.viewport.scrollTop;
        this.render();
        return;
      }
      case 'sort': {
        const next: SortDirection | undefined =
          a.direction ?? (this.sort?.column !== a.column ? 'asc' : this.sort.direction === 'asc' ? 'desc' : undefined);
        this.sort = next ? { column: a.column, direction: next } : undefined;
        this.rearrange();
        return;
      }
      case 'filter':
        this.filter = a.text;
        if (this.filterBox.value !== a.text) this.filterBox.value = a.text;
        this.rearrange();
        return;
      case 'select':
        this.selected = { row: a.row, column: a.column };
        this.render();
        return;
      case 'copy':
        this.copy(a.what);
        return;
    }
  }

  private rearrange(): void {
    if (!this.sort && !this.filter.trim()) {
      this.arranged = undefined;
    } else {
      const rows: { n: number; values: ResultRow }[] = [];
      for (const b of [...this.blocks.keys()].sort((x, y) => x - y))
        this.blocks.get(b)!.forEach((values, i) => rows.push({ n: b * BLOCK_ROWS + i + 1, values }));
      const order = arrange(
        rows.map((r) => r.values),
        this.meta.columns,
        this.filter,
        this.sort,
      );
      this.arranged = { rows, order };
    }
    this.selected = undefined;
    this.viewport.scrollTop = 0;
    this.scrolled = 0;
    this.renderHead();
    this.layout();
  }

  private copy(what: 'cell' | 'row' | 'column'): void {
    const sel = this.selected ?? { row: this.firstRow, column: 0 };
    const row = this.rowAt(sel.row);
    let text: string;
    if (what === 'cell') text = row?.values[sel.column] ?? '';
    else if (what === 'row') text = row ? tsvLine(row.values) : '';
    else {
      const values: (string | null)[] = [];
      if (this.arranged)
        for (const i of this.arranged.order) values.push(this.arranged.rows[i]!.values[sel.column] ?? null);
      else
        for (const b of [...this.blocks.keys()].sort((x, y) => x - y))
          for (const r of this.blocks.get(b)!) values.push(r[sel.column] ?? null);
      text = tsvColumn(this.meta.columns[sel.column]?.name ?? '', values);
    }
    this.post({ type: 'copy', text, what });
  }

  private onKey(e: KeyboardEvent): void {
    const sel = this.selected;
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'c') {
      e.preventDefault();
      this.copy('cell');
    } else if (e.key === 'PageDown' || e.key === 'PageUp' || ((e.ctrlKey || e.metaKey) && /^(Home|End)$/.test(e.key))) {
      e.preventDefault();
      const page = this.visibleCount() - 1;
      const row =
        e.key === 'End' ? this.count - 1 : e.key === 'Home' ? 0 : this.firstRow + (e.key === 'PageDown' ? page : -page);
      const target = Math.max(0, Math.min(this.count - 1, row));
      if (sel) this.selected = { ...sel, row: target };
      this.act({ kind: 'scrollTo', row: target });
    } else if (sel && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
      e.preventDefault();
      const row = Math.max(0, Math.min(this.count - 1, sel.row + (e.key === 'ArrowDown' ? 1 : -1)));
      this.selected = { ...sel, row };
      if (row < this.firstRow || row >= this.firstRow + this.visibleCount() - 1) this.act({ kind: 'scrollTo', row });
      else this.render();
    } else if (sel && (e.key === 'ArrowLeft' || e.key === 'ArrowRight')) {
      e.preventDefault();
      const column = Math.max(
        0,
        Math.min(this.meta.columns.length - 1, sel.column + (e.key === 'ArrowRight' ? 1 : -1)),
      );
      this.act({ kind: 'select', row: sel.row, column });
    }
  }

  state(): GridState {
    const visible: { n: number; values: ResultRow }[] = [];
    for (let i = this.firstRow; i < Math.min(this.count, this.firstRow + this.visibleCount()); i++) {
      const r = this.rowAt(i);
      if (r) visible.push(r);
    }
    return {
      id: this.meta.id,
      totalRows: this.meta.totalRows,
      loadedRows: this.loadedCount(),
      firstRow: this.firstRow,
      visible,
      ...(this.sort ? { sort: this.sort } : {}),
      filter: this.filter,
      ...(this.arranged ? { shownRows: this.arranged.order.length } : {}),
      ...(this.selected ? { selected: this.selected } : {}),
    };
  }

  private reportSoon(): void {
    if (this.stateTimer) return;
    this.stateTimer = setTimeout(() => {
      this.stateTimer = undefined;
      this.post({ type: 'state', state: this.state() });
    }, 30);
  }
}
