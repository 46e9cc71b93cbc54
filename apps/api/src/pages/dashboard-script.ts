/**
 * The browser script of the dashboard: draws each chart (Chart.js) from the JSON next to its
 * canvas. Without JavaScript the same numbers are in the table under each chart. Kept as a string
 * so the API serves it the same from source and from the build.
 */
export const DASHBOARD_SCRIPT = `(function () {
  var palette = ['#1d4ed8', '#b91c1c', '#15803d', '#a16207', '#7c3aed', '#0e7490'];
  document.querySelectorAll('script[data-chart]').forEach(function (el) {
    var spec = JSON.parse(el.textContent);
    var canvas = document.getElementById(el.getAttribute('data-chart'));
    var doughnut = spec.type === 'doughnut';
    new Chart(canvas, {
      type: spec.type,
      data: {
        labels: spec.labels,
        datasets: spec.series.map(function (s, i) {
          return { label: s.label, data: s.data, backgroundColor: doughnut ? palette : palette[i % palette.length] };
        }),
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        indexAxis: spec.horizontal ? 'y' : 'x',
        scales: doughnut ? {} : { x: { stacked: !!spec.stacked }, y: { stacked: !!spec.stacked, beginAtZero: true, ticks: { precision: 0 } } },
      },
    });
    canvas.setAttribute('data-drawn', 'true');
  });
})();
`;
