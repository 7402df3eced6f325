// A QR code drawn as SVG from its modules (no HTML injected, so the content security policy stays strict).
import { useMemo } from 'react';
import { encode } from 'uqr';

/** One square a dark module, drawn as a single path so a large code stays one element. */
function modulesPath(data: readonly (readonly boolean[])[]): string {
  const parts: string[] = [];
  data.forEach((row, y) => {
    row.forEach((dark, x) => {
      if (dark) parts.push(`M${x} ${y}h1v1h-1z`);
    });
  });
  return parts.join('');
}

export function QrCode({ text, label, size = 200 }: { text: string; label: string; size?: number }) {
  // A border of four modules is the quiet zone the QR standard asks for; medium error correction survives glare.
  const code = useMemo(() => encode(text, { ecc: 'M', border: 4 }), [text]);
  return (
    <svg
      className="qr-code"
      role="img"
      aria-label={label}
      width={size}
      height={size}
      viewBox={`0 0 ${code.size} ${code.size}`}
      shapeRendering="crispEdges"
    >
      <rect width={code.size} height={code.size} fill="#fff" />
      <path d={modulesPath(code.data)} fill="#000" />
    </svg>
  );
}
