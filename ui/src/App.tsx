import { NavLink, Outlet } from 'react-router';
import { ThemeToggle } from './components/common/Theme';

/** Page frame: sidebar navigation and the routed page. */
export function App() {
  return (
    <div className="layout">
      <nav className="sidebar">
        <div className="brand">◇ Glassbox</div>
        <NavLink to="/experiments">Experiments</NavLink>
        <NavLink to="/prompts">Prompts</NavLink>
        <NavLink to="/compare">Compare traces</NavLink>
        <div className="spacer" />
        <ThemeToggle />
      </nav>
      <main>
        <Outlet />
      </main>
    </div>
  );
}
