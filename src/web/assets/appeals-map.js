// The appeal form's map: a click sets the latitude and longitude inputs and moves the dot;
// typing in the inputs moves the dot too. Without this script the inputs alone do the job.
(function () {
  var svg = document.getElementById('appeal-map');
  var lat = document.getElementById('lat'), lon = document.getElementById('lon'), dot = document.getElementById('appeal-map-point');
  if (!svg || !lat || !lon || !dot || !svg.getScreenCTM) return;
  var d = svg.dataset, lon0 = Number(d.lon0), lat1 = Number(d.lat1), kx = Number(d.kx), ky = Number(d.ky);
  function place() {
    var la = Number(String(lat.value).replace(',', '.')), lo = Number(String(lon.value).replace(',', '.'));
    if (!lat.value || !lon.value || isNaN(la) || isNaN(lo)) { dot.setAttribute('visibility', 'hidden'); return; }
    dot.setAttribute('cx', String((lo - lon0) * kx));
    dot.setAttribute('cy', String((lat1 - la) * ky));
    dot.setAttribute('visibility', 'visible');
  }
  svg.addEventListener('click', function (event) {
    var p = svg.createSVGPoint();
    p.x = event.clientX; p.y = event.clientY;
    var q = p.matrixTransform(svg.getScreenCTM().inverse());
    lat.value = (lat1 - q.y / ky).toFixed(5);
    lon.value = (lon0 + q.x / kx).toFixed(5);
    place();
  });
  lat.addEventListener('input', place);
  lon.addEventListener('input', place);
})();
