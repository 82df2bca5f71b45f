/** Where use cases read the time: the system clock in Lambda, the simulated clock in a what-if run. */
export interface Clock {
  nowMs(): number;
}
