/** Starts shared test services once for the whole run (none yet). */
export default function setup(): void {}
