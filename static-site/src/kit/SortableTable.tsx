// A table of records on React Aria's Table: columns sort by a click or the keyboard (Enter on a focused header), rows
// are navigated with the arrow keys, and long lists are shown a page at a time. Sorting and paging are over the rows
// given (what has been loaded); a server-side cursor ("load older") stays the caller's.
import { useMemo, useState, type ReactNode } from 'react';
import { Button, Cell, Column, Row, Table, TableBody, TableHeader, type SortDescriptor } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { sortedPage } from './sortedPage';

export interface TableColumn<T> {
  readonly id: string;
  readonly name: string;
  /** The row's name for screen readers comes from this column. */
  readonly isRowHeader?: boolean;
  /** How two rows compare on this column; absent: the column does not sort. */
  readonly compare?: (a: T, b: T) => number;
  readonly render: (row: T) => ReactNode;
  readonly className?: string;
}

export function SortableTable<T>({
  label,
  columns,
  rows,
  rowKey,
  initialSort,
  pageSize = 50,
  empty,
}: {
  label: string;
  columns: readonly TableColumn<T>[];
  rows: readonly T[];
  rowKey: (row: T) => string;
  initialSort?: SortDescriptor;
  pageSize?: number;
  empty: ReactNode;
}) {
  const { t } = useTranslation();
  const [sort, setSort] = useState<SortDescriptor | undefined>(initialSort);
  const [page, setPage] = useState(0);
  const compare = columns.find((c) => c.id === sort?.column)?.compare;
  const { shown, pages, current } = useMemo(() => sortedPage(rows, compare, sort?.direction, page, pageSize), [rows, compare, sort, page, pageSize]);

  return (
    <div className="table-scroll">
      <Table
        aria-label={label}
        className="data-table"
        sortDescriptor={sort}
        onSortChange={(next) => {
          setSort(next);
          setPage(0);
        }}
      >
        <TableHeader columns={columns}>
          {(column) => (
            <Column id={column.id} isRowHeader={column.isRowHeader} allowsSorting={Boolean(column.compare)} className="data-table__column">
              {({ sortDirection }) => (
                <span className="data-table__heading">
                  {column.name}
                  {sortDirection && (
                    <span aria-hidden="true" className="data-table__sort">
                      {sortDirection === 'ascending' ? '▲' : '▼'}
                    </span>
                  )}
                </span>
              )}
            </Column>
          )}
        </TableHeader>
        <TableBody items={shown.map((row) => ({ id: rowKey(row), row }))} renderEmptyState={() => empty}>
          {(item) => (
            <Row id={item.id} columns={columns} className="data-table__row">
              {(column) => <Cell className={column.className}>{column.render(item.row)}</Cell>}
            </Row>
          )}
        </TableBody>
      </Table>
      {pages > 1 && (
        <nav className="pager" aria-label={t('kit.pages', { label })}>
          <Button className="button button--small button--secondary" isDisabled={current === 0} onPress={() => setPage(current - 1)}>
            {t('kit.previousPage')}
          </Button>
          <span role="status">{t('kit.pageOf', { page: current + 1, pages })}</span>
          <Button className="button button--small button--secondary" isDisabled={current === pages - 1} onPress={() => setPage(current + 1)}>
            {t('kit.nextPage')}
          </Button>
        </nav>
      )}
    </div>
  );
}
