/* Reaching a generated model's symbols from code compiled once per model: build with
 * -DTM_NAME=iris -DTM_UNAME=IRIS, then TM(train_step) is iris_train_step and TMU(BATCH) is
 * IRIS_BATCH. Loss codes for -DTM_LOSS=TM_LOSS_CE and friends. */
#ifndef GRADC_MODEL_PREFIX_H
#define GRADC_MODEL_PREFIX_H

#define TM_LOSS_BCE 1
#define TM_LOSS_MSE 2
#define TM_LOSS_CE 3

#define TM_STR_(x) #x
#define TM_STR(x) TM_STR_(x)
#define TM_CAT_(a, b) a##b
#define TM_CAT(a, b) TM_CAT_(a, b)
#define TM(symbol) TM_CAT(TM_NAME, TM_CAT(_, symbol))
#define TMU(symbol) TM_CAT(TM_UNAME, TM_CAT(_, symbol))

#endif
