Promise.resolve().then(function again() { return Promise.resolve().then(again) }); "scheduled"
