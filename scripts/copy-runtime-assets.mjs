console.log('assets: pending')
