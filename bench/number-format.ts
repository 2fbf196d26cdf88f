export const mb = (bytes: number): string => `${(bytes / 1048576).toFixed(0)} MB`;

export const rate = (events: number, seconds: number): string =>
  `${Math.round(events / seconds).toLocaleString('en-US')} ev/s`;
