/** A command-line io that records what the tool writes. */
export function recordingIo(cwd: string, env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: {
      cwd,
      env: { ...process.env, ...env },
      out: { write: (t: string) => out.push(t) },
      err: { write: (t: string) => err.push(t) },
    },
    out: () => out.join(''),
    err: () => err.join(''),
  };
}
