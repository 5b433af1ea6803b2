-- Running a command.
os.execute("touch /tmp/gradc_bad_spec_ran_a_command")
