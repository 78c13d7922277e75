// compose-check loads compose files the way Docker Compose does, with compose-go:
// the compose specification's JSON schema, variable interpolation, and the checks
// between services (depends_on, networks, volumes). It prints the resolved project
// as JSON on stdout, or the loader's error on stderr with exit code 1.
//
// Usage: compose-check FILE [FILE...]
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/compose-spec/compose-go/v2/cli"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: compose-check FILE [FILE...]")
		os.Exit(2)
	}
	options, err := cli.NewProjectOptions(
		os.Args[1:],
		cli.WithOsEnv,
		cli.WithName("agora"),
		cli.WithProfiles([]string{"*"}),
	)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	project, err := cli.ProjectFromOptions(context.Background(), options)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	encoded, err := json.MarshalIndent(project, "", "  ")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(string(encoded))
}
