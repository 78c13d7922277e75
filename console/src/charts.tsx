// Charts with Chart.js (react-chartjs-2): only the parts used are registered. Each
// chart has a text alternative: a caption and the same figures in a table.
import {
  BarElement,
  CategoryScale,
  Chart as ChartJS,
  Legend,
  LinearScale,
  LineElement,
  PointElement,
  Tooltip,
} from "chart.js";
import { Bar, Line } from "react-chartjs-2";

ChartJS.register(CategoryScale, LinearScale, BarElement, LineElement, PointElement, Tooltip, Legend);

export interface Series {
  label: string;
  values: number[];
}

const COLOURS = ["#1d4ed8", "#b45309", "#047857", "#7c3aed"];

export function SeriesChart({
  title,
  kind,
  labels,
  series,
  format,
}: {
  title: string;
  kind: "bar" | "line";
  labels: string[];
  series: Series[];
  format: (value: number) => string;
}) {
  const data = {
    labels,
    datasets: series.map((s, i) => ({
      label: s.label,
      data: s.values,
      backgroundColor: COLOURS[i % COLOURS.length],
      borderColor: COLOURS[i % COLOURS.length],
    })),
  };
  const options = {
    responsive: true,
    maintainAspectRatio: false,
    animation: false as const,
    scales: { y: { beginAtZero: true, ticks: { callback: (v: string | number) => format(Number(v)) } } },
    plugins: {
      tooltip: { callbacks: { label: (c: { parsed: { y: number | null } }) => format(c.parsed.y ?? 0) } },
    },
  };
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <div className="chart-canvas">
        {kind === "bar" ? (
          <Bar data={data} options={options} role="img" aria-label={title} />
        ) : (
          <Line data={data} options={options} role="img" aria-label={title} />
        )}
      </div>
      <details>
        <summary>{title}: the figures</summary>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Period</th>
                {series.map((s) => (
                  <th scope="col" key={s.label}>
                    {s.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {labels.map((label, row) => (
                <tr key={label}>
                  <th scope="row">{label}</th>
                  {series.map((s) => (
                    <td key={s.label}>{format(s.values[row] ?? 0)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
