// What `npm run dist` needs before it starts, as a pure function so a test can check every branch on
// any machine: Node >= 22.12 (Electron's tooling: @electron/rebuild, @electron/fuses, @electron/get),
// electron-builder installed, and a way to download Electron (internet, or ELECTRON_MIRROR).

export const MIN_NODE = [22, 12];

/** Returns the reason packaging cannot start, or undefined when it can. */
export function distProblem({ nodeVersion, hasElectronBuilder, canDownload }) {
  const [major, minor] = nodeVersion.split('.').map(Number);
  if (major < MIN_NODE[0] || (major === MIN_NODE[0] && minor < MIN_NODE[1])) {
    return `Electron's packaging tools need Node.js ${MIN_NODE.join('.')} or newer (this is Node.js ${nodeVersion})`;
  }
  if (!hasElectronBuilder) return 'electron-builder is not installed (run `npm ci` first)';
  if (!canDownload) return 'github.com, where electron-builder downloads Electron, cannot be reached (no internet access?)';
  return undefined;
}
