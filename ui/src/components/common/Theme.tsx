import { useState } from 'react';

type Theme = 'light' | 'dark';

function initialTheme(): Theme {
  const saved = localStorage.getItem('glassbox.theme');
  if (saved === 'light' || saved === 'dark') return saved;
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

/** Light/dark switch; the choice is remembered and applied as data-theme on <html>. */
export function ThemeToggle() {
  const [theme, setTheme] = useState<Theme>(() => {
    const t = initialTheme();
    document.documentElement.dataset.theme = t;
    return t;
  });
  const toggle = () => {
    const next = theme === 'dark' ? 'light' : 'dark';
    document.documentElement.dataset.theme = next;
    localStorage.setItem('glassbox.theme', next);
    setTheme(next);
  };
  return (
    <button onClick={toggle} aria-label="Toggle theme" title="Toggle light/dark theme">
      {theme === 'dark' ? '☀ Light' : '☾ Dark'}
    </button>
  );
}
