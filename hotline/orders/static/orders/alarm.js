// The operating centre's emergency alarm (Art. 13): while the alarm strip lists orders, a short
// tone sounds each time it refreshes. Made with WebAudio: no sound file, no network. Browsers
// allow sound only after the page has been used, which an operator's screen always has been.
(function () {
  let audio = null;
  function tone() {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.type = "square";
      osc.frequency.value = 880;
      gain.gain.value = 0.08;
      osc.connect(gain).connect(audio.destination);
      osc.start();
      osc.stop(audio.currentTime + 0.4);
    } catch (e) { /* no audio device: the strip still shows */ }
  }
  document.body.addEventListener("htmx:afterSwap", (e) => {
    if (e.target.id !== "alarms") return;
    const strip = e.target.querySelector("[data-alarm]");
    document.body.classList.toggle("has-alarm", !!strip);
    if (strip) tone();
  });
})();
