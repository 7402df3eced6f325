// Welcome page: what Emmaus is and which tools are on the way.
import { Link } from '../router';
import { useSession } from '../session';
import { useDocumentTitle } from '../useDocumentTitle';

const UPCOMING = [
  {
    name: 'Learning Planner',
    summary: 'Lay out a path of studies and practices for each mentee and follow their progress along it.',
  },
  {
    name: 'Knowledge Hub',
    summary: 'One shared library for the teaching material, notes and resources your mentors draw on.',
  },
  {
    name: 'Session Builder',
    summary: 'Prepare a coaching or discipleship session ahead of time and keep a record of how it went.',
  },
] as const;

/** The home route: a greeting for a signed-in person. */
export function HomeRoute() {
  const { state } = useSession();
  return <HomePage name={state.status === 'signed-in' ? state.session.person.display_name : null} />;
}

export function HomePage({ name = null }: { name?: string | null }) {
  useDocumentTitle('Emmaus');
  return (
    <article className="page">
      <h1 tabIndex={-1}>Welcome to Emmaus</h1>
      <p className="lede">
        Emmaus is a coaching and discipleship platform for churches: it helps pastors and mentors walk alongside the
        people they are mentoring, from the first conversation to lasting growth.
      </p>
      {name ? (
        <p data-testid="greeting">Welcome back, {name}.</p>
      ) : (
        <p>
          <Link to="/sign-in">Sign in</Link> to work with your organisation.
        </p>
      )}

      <section aria-labelledby="coming-heading">
        <h2 id="coming-heading">Coming soon</h2>
        <p>These tools are being built and are not available yet.</p>
        <ul className="cards">
          {UPCOMING.map((tool) => (
            <li key={tool.name} className="card">
              <h3>{tool.name}</h3>
              <p>{tool.summary}</p>
              <p className="card__tag">Not available yet</p>
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="today-heading">
        <h2 id="today-heading">Available today</h2>
        <p>
          The <Link to="/status">System status</Link> page shows whether the server and its storage are healthy.
        </p>
      </section>
    </article>
  );
}
