// Text with the words a search matched marked: segments from the API, never markup, so nothing a resource holds can
// inject any.
import { Fragment } from 'react';
import type { Segment } from './queries';

export function Marked({ segments }: { segments: readonly Segment[] }) {
  return (
    <>
      {/* Unmarked runs stay bare text, so the spaces at their edges belong to the name a screen reader reads. */}
      {segments.map((segment, i) => (segment.hit ? <mark key={i}>{segment.text}</mark> : <Fragment key={i}>{segment.text}</Fragment>))}
    </>
  );
}
