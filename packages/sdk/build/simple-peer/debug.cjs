// Stands in for `debug` inside the bundled simple-peer (see plugin.mjs): its trace logging is
// left out of the calls entry (the SDK's own logger reports a call's steps).
module.exports = () => () => {};
