/** Which carrier serves the IPC contract to the renderer (architecture.md decision 3). */
export type Carrier = 'electron' | 'web' | 'cli';
