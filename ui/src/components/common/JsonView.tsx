/** Pretty JSON (or plain text) in a scrollable block. */
export function JsonView({ value }: { value: unknown }) {
  const text = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  return <pre>{text}</pre>;
}
