// Placeholder replaced below in this session.
export async function runBtfBench(): Promise<void> {}
