import neostandard from 'neostandard'

export default neostandard({
  ts: true,
  ignores: ['dist/**', 'coverage/**', 'node_modules/**', 'example/screenshots/**', 'test-results/**']
})
