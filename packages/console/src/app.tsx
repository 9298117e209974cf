// The console's frame: a header with the four screens, a skip link, and the screen the URL
// names. Every screen is an ordinary URL (/, /results?verdict=FAIL, /results/<id>, /review,
// /models), served index.html by the service and rendered here.
import { onLinkClick, useLocation } from './router.js';
import { InspectScreen } from './screens/inspect-screen.js';
import { ModelsScreen } from './screens/models-screen.js';
import { ResultScreen } from './screens/result-screen.js';
import { ResultsScreen } from './screens/results-screen.js';
import { ReviewScreen } from './screens/review-screen.js';

const tabs = [
  ['/', 'Inspect'],
  ['/results', 'Results'],
  ['/review', 'Review'],
  ['/models', 'Models'],
] as const;

function Screen(props: { path: string }) {
  const result = /^\/results\/([0-9a-f-]{36})$/.exec(props.path);
  if (result?.[1] !== undefined) return <ResultScreen id={result[1]} />;
  switch (props.path) {
    case '/':
    case '/inspect':
      return <InspectScreen />;
    case '/results':
      return <ResultsScreen />;
    case '/review':
      return <ReviewScreen />;
    case '/models':
      return <ModelsScreen />;
    default:
      return (
        <>
          <h1>Not found</h1>
          <p>
            No screen at <code>{props.path}</code>. <a href="/">Inspect an image</a>.
          </p>
        </>
      );
  }
}

export function App() {
  const { path } = useLocation();
  const active = (href: string) =>
    href === '/' ? path === '/' || path === '/inspect' : path.startsWith(href);
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions lint/a11y/useKeyWithClickEvents: delegates link clicks to the router; links stay links
    <div class="shell" onClick={onLinkClick}>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header>
        <a href="/" class="brand" aria-label="chipq console home">
          chipq
        </a>
        <nav aria-label="Screens">
          {tabs.map(([href, label]) => (
            <a key={href} href={href} aria-current={active(href) ? 'page' : undefined}>
              {label}
            </a>
          ))}
        </nav>
        <span class="spacer" />
        <a href="/docs" target="_blank" rel="noreferrer">
          API docs
        </a>
      </header>
      <main id="main" tabIndex={-1}>
        <Screen path={path} />
      </main>
    </div>
  );
}
