// Status word with a colour cue; the word itself carries the meaning so colour is never the only signal.
const TONES: Record<string, 'good' | 'bad'> = { ok: 'good', degraded: 'bad', failing: 'bad' };

export function StatusBadge({ status }: { status: string }) {
  const tone = TONES[status] ?? 'unknown';
  return <span className={`badge badge--${tone}`}>{status}</span>;
}
