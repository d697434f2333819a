// Signs the sign-in challenge with the key file in the browser (WebCrypto, ECDSA P-256),
// so the private key never leaves the device: only the signature and the certificate go.
(function () {
  var form = document.getElementById('esign-form');
  if (!form || !window.crypto || !window.crypto.subtle) return;
  function pem(text, label) {
    var match = new RegExp('-----BEGIN ' + label + '-----([\\s\\S]+?)-----END ' + label + '-----').exec(text);
    return match ? match[0] : null;
  }
  function der(block) {
    var b64 = block.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
    var bytes = atob(b64), out = new Uint8Array(bytes.length);
    for (var i = 0; i < bytes.length; i++) out[i] = bytes.charCodeAt(i);
    return out.buffer;
  }
  function base64(buffer) {
    var bytes = new Uint8Array(buffer), s = '';
    for (var i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
    return btoa(s);
  }
  form.addEventListener('submit', function (event) {
    if (form.elements.signature.value) return;
    event.preventDefault();
    var file = document.getElementById('keyfile').files[0];
    if (!file) { form.submit(); return; }
    file.text().then(function (text) {
      var certificate = pem(text, 'CERTIFICATE'), key = pem(text, 'PRIVATE KEY');
      if (!certificate || !key) throw new Error('not a key file');
      return crypto.subtle.importKey('pkcs8', der(key), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']).then(function (k) {
        return crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, k, new TextEncoder().encode(form.dataset.challenge));
      }).then(function (signature) {
        form.elements.signature.value = base64(signature);
        form.elements.certificate.value = certificate;
        form.submit();
      });
    }).catch(function () { form.elements.signature.value = 'invalid'; form.submit(); });
  });
})();
