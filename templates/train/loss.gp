# templates/train/loss.gp: plot a driver's loss.csv (epoch, train_loss, val_loss, val metric).
#   gnuplot -e "csv='out/iris/loss.csv'; png='out/iris/loss.png'; name='iris'" loss.gp
# Losses on the left axis (log scale: they fall by orders of magnitude), the validation metric on
# the right one; the metric's name is loss.csv's fourth header field.
set terminal pngcairo size 900,540 font ",10" noenhanced
set output png
set datafile separator ","
set key autotitle columnhead
set title name." training"
set xlabel "epoch"
set ylabel "loss (J per sample)"
set y2label "validation accuracy (or RMSE)"
set logscale y
set y2tics
set ytics nomirror
set grid
plot csv using 1:2 with lines lw 2 title "train loss", \
     csv using 1:3 with lines lw 2 title "val loss", \
     csv using 1:4 axes x1y2 with lines lw 1 dt 2 title columnhead(4)
