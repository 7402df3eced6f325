import type { ReactNode } from 'react';

/**
 * A table of records that scrolls sideways on narrow screens: a header row of column names, then
 * the caller's rows. Name it by a heading's id (`labelledBy`) or, without a heading, by `label`.
 * A column given as `false` is left out (e.g. actions the person may not take).
 */
export function DataTable({
  columns,
  labelledBy,
  label,
  children,
}: {
  columns: readonly (string | false)[];
  labelledBy?: string;
  label?: string;
  children: ReactNode;
}) {
  return (
    <div className="table-scroll">
      <table className="data-table" aria-labelledby={labelledBy} aria-label={label}>
        <thead>
          <tr>
            {columns.map((column) =>
              column === false ? null : (
                <th key={column} scope="col">
                  {column}
                </th>
              ),
            )}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
