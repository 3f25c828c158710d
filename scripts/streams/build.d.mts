export const JAR: string;
/** Builds streams/ with Maven (tests included) unless the jar is newer than every source. */
export function buildStreams(options?: { force?: boolean }): { jar: string; built: boolean };
