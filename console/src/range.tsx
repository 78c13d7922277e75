// A date range and an interval, as the stats and analytics endpoints take them.
import { Field, Select } from "./ui";

export type Interval = "day" | "week" | "month";

export interface Range {
  from: string; // yyyy-mm-dd, UTC
  to: string; // yyyy-mm-dd, UTC, included
  interval: Interval;
}

export function defaultRange(days = 30): Range {
  const today = new Date();
  const start = new Date(today.getTime() - days * 86_400_000);
  return { from: isoDay(start), to: isoDay(today), interval: "day" };
}

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The API's instants: the first day's midnight UTC to the day after the last. */
export function instants(range: Range): { from: string; to: string } {
  const end = new Date(`${range.to}T00:00:00Z`);
  end.setUTCDate(end.getUTCDate() + 1);
  return { from: `${range.from}T00:00:00Z`, to: end.toISOString() };
}

export function RangePicker({ value, onChange }: { value: Range; onChange: (r: Range) => void }) {
  return (
    <div className="inline-form">
      <Field
        label="From"
        type="date"
        value={value.from}
        max={value.to}
        onChange={(e) => e.target.value && onChange({ ...value, from: e.target.value })}
      />
      <Field
        label="To"
        type="date"
        value={value.to}
        min={value.from}
        onChange={(e) => e.target.value && onChange({ ...value, to: e.target.value })}
      />
      <Select
        label="Interval"
        value={value.interval}
        onChange={(interval) => onChange({ ...value, interval: interval as Interval })}
        options={[
          { value: "day", label: "Day" },
          { value: "week", label: "Week" },
          { value: "month", label: "Month" },
        ]}
      />
    </div>
  );
}
