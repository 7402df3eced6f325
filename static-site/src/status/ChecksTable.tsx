// Table of the individual dependency checks in a health report.
import type { HealthCheck } from '../api/health';
import { StatusBadge } from './StatusBadge';

function formatLatency(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(2)} s`;
}

export function ChecksTable({ checks }: { checks: readonly HealthCheck[] }) {
  if (checks.length === 0) {
    return (
      <p className="empty" id="checks-empty">
        The server reported no checks, so there is nothing beyond the overall status to show.
      </p>
    );
  }
  return (
    // Focusable so keyboard users can scroll the table sideways on narrow screens.
    <div className="table-scroll" role="region" aria-labelledby="checks-caption" tabIndex={0}>
      <table className="checks">
        <caption id="checks-caption">Checks</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Adapter</th>
            <th scope="col">Status</th>
            <th scope="col" className="num">
              Latency
            </th>
            <th scope="col">Detail</th>
          </tr>
        </thead>
        <tbody>
          {checks.map((check) => (
            <tr key={check.name} data-check={check.name}>
              <th scope="row">
                <code>{check.name}</code>
              </th>
              <td>{check.adapter}</td>
              <td>
                <StatusBadge status={check.status} />
              </td>
              <td className="num">{formatLatency(check.latency_ms)}</td>
              <td className="detail">{check.detail ?? <span className="muted">—</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
