/** Reads the kill switch (takes effect without a redeploy). */
export interface KillSwitch {
  isOn(): Promise<boolean>;
}
