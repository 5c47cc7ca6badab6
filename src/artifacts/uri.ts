/**
 * The proxy-relative path of an `mlflow-artifacts:` URI (`mlflow-artifacts:/1/<run>/artifacts` or
 * the host form `mlflow-artifacts://host:5000/1/<run>/artifacts` → `1/<run>/artifacts`); undefined
 * for any other scheme, whose bytes this server does not hold.
 */
export function proxiedArtifactPath(uri: string): string | undefined {
  const m = /^mlflow-artifacts:(?:\/\/[^/]*)?\/*(.*)$/.exec(uri);
  return m ? m[1].replace(/\/+$/, '') : undefined;
}
