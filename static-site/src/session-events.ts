// A tiny bus between the API middleware (which learns that a session ended) and the session state the shell shows.
type Listener = () => void;

const listeners = new Set<Listener>();

export const sessionEvents = {
  /** The refresh was refused: nobody is signed in any more. */
  signedOut(): void {
    for (const listener of [...listeners]) listener();
  },
  subscribe(listener: Listener): () => void {
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  },
};
