// A table whose rows hold controls (checkboxes, buttons): a plain HTML table, so Tab walks through the controls as on
// any page, with sortable column headers (a button in the header, `aria-sort` on it) and long lists a page at a time.
// For read-only records, where arrow keys between cells help, SortableTable (a grid) is the kit's other table.
import { useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { sortedPage, type SortDirection } from './sortedPage';

export interface RecordColumn<T> {
  readonly id: string;
  readonly name: string;
  /** How two rows compare on this column; absent: the column does not sort. */
  readonly compare?: (a: T, b: T) => number;
}

export interface RecordSort {
  readonly column: string;
  readonly direction: SortDirection;
}

export function RecordTable<T>({
  label,
  labelledBy,
  columns,
  rows,
  rowKey,
  renderRow,
  initialSort,
  pageSize = 50,
  empty,
}: {
  /** The table's name (the pager says whose pages it turns) and the id of the heading that shows it. */
  label: string;
  labelledBy: string;
  /** A column given as `false` is left out (actions the person may not take, say). */
  columns: readonly (RecordColumn<T> | false)[];
  rows: readonly T[];
  rowKey: (row: T) => string;
  /** One `<tr>` for a row; its cells in the columns' order. */
  renderRow: (row: T) => ReactNode;
  initialSort?: RecordSort;
  pageSize?: number;
  empty: ReactNode;
}) {
  const { t } = useTranslation();
  const shownColumns = columns.filter((c): c is RecordColumn<T> => c !== false);
  const [sort, setSort] = useState<RecordSort | undefined>(initialSort);
  const [page, setPage] = useState(0);
  const compare = shownColumns.find((c) => c.id === sort?.column)?.compare;
  const { shown, pages, current } = useMemo(() => sortedPage(rows, compare, sort?.direction, page, pageSize), [rows, compare, sort, page, pageSize]);

  if (rows.length === 0) return <>{empty}</>;

  const sortBy = (column: string) => {
    setSort((previous) => ({
      column,
      direction: previous?.column === column && previous.direction === 'ascending' ? 'descending' : 'ascending',
    }));
    setPage(0);
  };

  return (
    <div className="table-scroll">
      <table className="data-table" aria-labelledby={labelledBy}>
        <thead>
          <tr>
            {shownColumns.map((column) => {
              const direction = sort?.column === column.id ? sort.direction : undefined;
              return (
                <th key={column.id} scope="col" aria-sort={column.compare ? (direction ?? 'none') : undefined}>
                  {column.compare ? (
                    <button type="button" className="data-table__sort-button" onClick={() => sortBy(column.id)}>
                      {column.name}
                      <span aria-hidden="true" className="data-table__sort">
                        {direction === 'ascending' ? '▲' : direction === 'descending' ? '▼' : '↕'}
                      </span>
                    </button>
                  ) : (
                    column.name
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {shown.map((row) => (
            <RowSlot key={rowKey(row)}>{renderRow(row)}</RowSlot>
          ))}
        </tbody>
      </table>
      {pages > 1 && (
        <nav className="pager" aria-label={t('kit.pages', { label })}>
          <button type="button" className="button button--small button--secondary" disabled={current === 0} onClick={() => setPage(current - 1)}>
            {t('kit.previousPage')}
          </button>
          <span role="status">{t('kit.pageOf', { page: current + 1, pages })}</span>
          <button type="button" className="button button--small button--secondary" disabled={current === pages - 1} onClick={() => setPage(current + 1)}>
            {t('kit.nextPage')}
          </button>
        </nav>
      )}
    </div>
  );
}

/** Gives each row its key, so a row's own state (unsaved checkboxes) follows it when the order changes. */
function RowSlot({ children }: { children: ReactNode }) {
  return <>{children}</>;
}
