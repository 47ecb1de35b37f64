// An array of objects becomes one manifest each (an object, or null, works too).
local k = import 'k.libsonnet';  // found in the libs directory

function(revision='dev') [
  k.configMap('greeter-config', { env: std.extVar('env'), revision: revision }),
  k.deployment('greeter', image='nginx:1.27', replicas=std.extVar('replicas')),
]
