/**
 * A human reading of common cron expressions ("every hour", "every day at 06:30"). Returns the
 * message key and its values, or null for an expression it does not describe.
 */
export type CronReading =
  | { id: 'cron.everyMinute' }
  | { id: 'cron.everyNMinutes'; values: { n: number } }
  | { id: 'cron.everyHour' }
  | { id: 'cron.everyHourAt'; values: { minute: number } }
  | { id: 'cron.everyNHours'; values: { n: number } }
  | { id: 'cron.everyDayAt'; values: { time: string } }
  | { id: 'cron.weekdaysAt'; values: { time: string } }
  | { id: 'cron.everyWeekdayAt'; values: { day: string; time: string } }
  | { id: 'cron.everyMonthAt'; values: { day: number; time: string } };

const NUMBER = /^\d+$/;
const STEP = /^\*\/(\d+)$/;

const inRange = (value: string, max: number) => NUMBER.test(value) && Number(value) <= max;
const time = (hour: string, minute: string) =>
  `${hour.padStart(2, '0')}:${minute.padStart(2, '0')}`;

export const describeCron = (expression: string): CronReading | null => {
  let fields = expression.trim().split(/\s+/);
  if (fields.length === 6) {
    // node-cron's optional seconds field: only a fixed second reads like a 5-field expression.
    if (!inRange(fields[0], 59)) return null;
    fields = fields.slice(1);
  }
  if (fields.length !== 5) return null;
  const [minute, hour, day, month, weekday] = fields;
  if (month !== '*') return null;
  if (day === '*' && weekday === '*') {
    if (hour === '*') {
      if (minute === '*') return { id: 'cron.everyMinute' };
      const step = STEP.exec(minute);
      if (step) return { id: 'cron.everyNMinutes', values: { n: Number(step[1]) } };
      if (minute === '0') return { id: 'cron.everyHour' };
      if (inRange(minute, 59))
        return { id: 'cron.everyHourAt', values: { minute: Number(minute) } };
      return null;
    }
    const hourStep = STEP.exec(hour);
    if (hourStep && minute === '0')
      return { id: 'cron.everyNHours', values: { n: Number(hourStep[1]) } };
    if (inRange(hour, 23) && inRange(minute, 59))
      return { id: 'cron.everyDayAt', values: { time: time(hour, minute) } };
    return null;
  }
  if (!inRange(hour, 23) || !inRange(minute, 59)) return null;
  if (day === '*' && weekday === '1-5')
    return { id: 'cron.weekdaysAt', values: { time: time(hour, minute) } };
  if (day === '*' && inRange(weekday, 7))
    return {
      id: 'cron.everyWeekdayAt',
      values: { day: String(Number(weekday) % 7), time: time(hour, minute) },
    };
  if (weekday === '*' && NUMBER.test(day) && Number(day) >= 1 && Number(day) <= 31)
    return { id: 'cron.everyMonthAt', values: { day: Number(day), time: time(hour, minute) } };
  return null;
};
